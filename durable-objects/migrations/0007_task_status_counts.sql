CREATE TABLE `task_status_counts` (
	`status` text PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
-- Written by hand (drizzle-kit has no triggers): the counts start from what is there, then every
-- insert, delete and change of status keeps them exact, whichever code path writes the task.
INSERT INTO `task_status_counts` (`status`, `n`) SELECT `status`, count(*) FROM `tasks` GROUP BY `status`;
--> statement-breakpoint
CREATE TRIGGER `tasks_count_insert` AFTER INSERT ON `tasks` BEGIN
  INSERT INTO `task_status_counts` (`status`, `n`) VALUES (NEW.`status`, 1)
    ON CONFLICT (`status`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `tasks_count_delete` AFTER DELETE ON `tasks` BEGIN
  UPDATE `task_status_counts` SET `n` = `n` - 1 WHERE `status` = OLD.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `tasks_count_status` AFTER UPDATE OF `status` ON `tasks` WHEN OLD.`status` <> NEW.`status` BEGIN
  UPDATE `task_status_counts` SET `n` = `n` - 1 WHERE `status` = OLD.`status`;
  INSERT INTO `task_status_counts` (`status`, `n`) VALUES (NEW.`status`, 1)
    ON CONFLICT (`status`) DO UPDATE SET `n` = `n` + 1;
END;
