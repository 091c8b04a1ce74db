ALTER TABLE `organizations` ADD `plan_limits` text;--> statement-breakpoint
ALTER TABLE `organizations` ADD `past_due_since` integer;