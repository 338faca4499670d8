-- AlterTable
ALTER TABLE "key_events" ADD COLUMN     "outcome" TEXT NOT NULL DEFAULT 'applied';
