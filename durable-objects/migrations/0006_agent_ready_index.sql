DROP INDEX `tasks_agent_idx`;--> statement-breakpoint
CREATE INDEX `tasks_agent_idx` ON `tasks` (`agent_id`,`status`,coalesce("scheduled_for", 0));