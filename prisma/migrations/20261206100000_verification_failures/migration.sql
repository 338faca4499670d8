-- CreateTable
CREATE TABLE "verification_failure_counts" (
    "key_set_id" UUID NOT NULL,
    "start" TIMESTAMPTZ(3) NOT NULL,
    "seconds" INTEGER NOT NULL,
    "client" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "count" BIGINT NOT NULL,

    CONSTRAINT "verification_failure_counts_pkey" PRIMARY KEY ("key_set_id","start","seconds","client","kid","reason","alg")
);

-- CreateTable
CREATE TABLE "verification_failure_unknown_kids" (
    "key_set_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "kid" TEXT NOT NULL,

    CONSTRAINT "verification_failure_unknown_kids_pkey" PRIMARY KEY ("key_set_id","hour","kid")
);

-- CreateIndex
CREATE INDEX "verification_failure_counts_seconds_start_idx" ON "verification_failure_counts"("seconds", "start");

-- CreateIndex
CREATE INDEX "verification_failure_unknown_kids_hour_idx" ON "verification_failure_unknown_kids"("hour");

-- AddForeignKey
ALTER TABLE "verification_failure_counts" ADD CONSTRAINT "verification_failure_counts_key_set_id_fkey" FOREIGN KEY ("key_set_id") REFERENCES "key_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "verification_failure_unknown_kids" ADD CONSTRAINT "verification_failure_unknown_kids_key_set_id_fkey" FOREIGN KEY ("key_set_id") REFERENCES "key_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
