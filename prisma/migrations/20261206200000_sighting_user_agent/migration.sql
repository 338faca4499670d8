-- AlterTable
ALTER TABLE "jwks_client_sightings" ADD COLUMN     "user_agent" TEXT NOT NULL DEFAULT '';
