-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "created_by" TEXT,
ADD COLUMN     "grants" JSONB NOT NULL DEFAULT '[]';

-- Tokens from before scopes were admin tokens.
UPDATE "api_tokens" SET "grants" = '[{"keySet": "*", "scopes": ["admin"]}]' WHERE "role" = 'admin';

-- AlterTable
ALTER TABLE "api_tokens" DROP COLUMN "role";

-- AlterTable
ALTER TABLE "key_events" ALTER COLUMN "key_set_id" DROP NOT NULL;
