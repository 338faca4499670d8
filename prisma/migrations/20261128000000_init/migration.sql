-- CreateEnum
CREATE TYPE "KeyState" AS ENUM ('PENDING', 'ACTIVE', 'RETIRED', 'EXPIRED', 'DESTROYED', 'REVOKED');

-- CreateEnum
CREATE TYPE "KeyUse" AS ENUM ('sig', 'enc');

-- CreateTable
CREATE TABLE "key_sets" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "rsa_modulus_bits" INTEGER,
    "kid_scheme" TEXT NOT NULL,
    "issuer" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "key_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "keys" (
    "id" UUID NOT NULL,
    "key_set_id" UUID NOT NULL,
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "use" "KeyUse" NOT NULL,
    "state" "KeyState" NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "encrypted_private_key" BYTEA,
    "wrapped_data_key" BYTEA,
    "master_key_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activated_at" TIMESTAMPTZ(3),
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "key_events" (
    "id" BIGSERIAL NOT NULL,
    "key_set_id" UUID NOT NULL,
    "kid" TEXT,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "before" JSONB,
    "after" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "key_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" BYTEA NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "master_keys" (
    "id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "master_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "key_sets_name_key" ON "key_sets"("name");

-- CreateIndex
CREATE INDEX "keys_key_set_id_state_idx" ON "keys"("key_set_id", "state");

-- CreateIndex
CREATE UNIQUE INDEX "keys_key_set_id_kid_key" ON "keys"("key_set_id", "kid");

-- CreateIndex
CREATE INDEX "key_events_key_set_id_created_at_idx" ON "key_events"("key_set_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- AddForeignKey
ALTER TABLE "keys" ADD CONSTRAINT "keys_key_set_id_fkey" FOREIGN KEY ("key_set_id") REFERENCES "key_sets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "key_events" ADD CONSTRAINT "key_events_key_set_id_fkey" FOREIGN KEY ("key_set_id") REFERENCES "key_sets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Not expressible in schema.prisma: the database itself refuses a second signer per key set and use.
CREATE UNIQUE INDEX "keys_one_active_per_key_set_use" ON "keys"("key_set_id", "use") WHERE "state" = 'ACTIVE';

-- Destroyed keys hold no private material; every other key holds all of it.
ALTER TABLE "keys" ADD CONSTRAINT "keys_private_material_matches_state" CHECK (
    ("state" = 'DESTROYED') = ("encrypted_private_key" IS NULL AND "wrapped_data_key" IS NULL AND "master_key_id" IS NULL)
);
