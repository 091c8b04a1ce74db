CREATE TABLE `mcp_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`auth_type` text NOT NULL,
	`oauth_client_id` text,
	`oauth_issuer` text,
	`oauth_scope` text,
	`header_names` text DEFAULT '[]' NOT NULL,
	`secret_ciphertext` text,
	`secret_iv` text,
	`secret_key_version` integer,
	`secret_last4` text,
	`timeout_ms` integer DEFAULT 20000 NOT NULL,
	`tools_cache` text,
	`tools_cached_at` integer,
	`last_error` text,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mcp_connections_slug_unique` ON `mcp_connections` (`slug`);--> statement-breakpoint
CREATE TABLE `tool_calls` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`tool_name` text NOT NULL,
	`input` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`note` text,
	`result` text,
	`is_error` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`reported_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tool_calls_task_idx` ON `tool_calls` (`task_id`,`status`);--> statement-breakpoint
ALTER TABLE `agent_runs` ADD `web_search_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `agent_runs` ADD `web_fetch_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `tool_policies` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `server_tools` text DEFAULT '[]' NOT NULL;