DROP INDEX `agent_runs_task_idx`;--> statement-breakpoint
DROP INDEX `run_steps_run_idx`;--> statement-breakpoint
DROP INDEX `tasks_status_idx`;