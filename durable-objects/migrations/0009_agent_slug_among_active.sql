DROP INDEX `agents_slug_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `agents_slug_unique` ON `agents` (`slug`) WHERE "agents"."archived_at" IS NULL;