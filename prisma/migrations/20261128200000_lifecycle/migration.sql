-- AlterTable
ALTER TABLE "key_sets" ADD COLUMN     "activation_max_delay_seconds" INTEGER,
ADD COLUMN     "activation_min_share" DOUBLE PRECISION,
ADD COLUMN     "auto_rotate" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "excess_ttl" TEXT NOT NULL DEFAULT 'refuse',
ADD COLUMN     "grace_period_seconds" INTEGER NOT NULL DEFAULT 86400,
ADD COLUMN     "max_token_ttl_seconds" INTEGER NOT NULL DEFAULT 3600,
ADD COLUMN     "pre_publish_period_seconds" INTEGER NOT NULL DEFAULT 600,
ADD COLUMN     "retention_period_seconds" INTEGER NOT NULL DEFAULT 2592000,
ADD COLUMN     "rotation_period_seconds" INTEGER NOT NULL DEFAULT 2592000;

-- AlterTable
ALTER TABLE "keys" ADD COLUMN     "destroyed_at" TIMESTAMPTZ(3),
ADD COLUMN     "expired_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_signed_at" TIMESTAMPTZ(3),
ADD COLUMN     "latest_token_expiry" TIMESTAMPTZ(3),
ADD COLUMN     "revocation_reason" TEXT,
ADD COLUMN     "revoked_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "key_signature_counts" (
    "key_id" UUID NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "count" BIGINT NOT NULL,

    CONSTRAINT "key_signature_counts_pkey" PRIMARY KEY ("key_id","minute")
);

-- CreateTable
CREATE TABLE "jwks_client_sightings" (
    "key_set_id" UUID NOT NULL,
    "client_hash" BYTEA NOT NULL,
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "newest_key_seen" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "jwks_client_sightings_pkey" PRIMARY KEY ("key_set_id","client_hash")
);

-- CreateIndex
CREATE INDEX "jwks_client_sightings_key_set_id_last_seen_idx" ON "jwks_client_sightings"("key_set_id", "last_seen");

-- CreateIndex
CREATE INDEX "key_events_kid_idx" ON "key_events"("kid");

-- AddForeignKey
ALTER TABLE "key_signature_counts" ADD CONSTRAINT "key_signature_counts_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jwks_client_sightings" ADD CONSTRAINT "jwks_client_sightings_key_set_id_fkey" FOREIGN KEY ("key_set_id") REFERENCES "key_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
