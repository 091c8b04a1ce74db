CREATE TABLE `meter_reports` (
	`identifier` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`period_start` integer NOT NULL,
	`agent_ms` integer NOT NULL,
	`at` integer NOT NULL,
	`sent_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `meter_reports_period_idx` ON `meter_reports` (`period_start`);--> statement-breakpoint
CREATE INDEX `meter_reports_unsent_idx` ON `meter_reports` (`sent_at`);--> statement-breakpoint
ALTER TABLE `tasks` ADD `waiting_reason` text;