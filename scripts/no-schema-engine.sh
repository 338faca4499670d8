#!/bin/sh
echo "the Prisma schema engine cannot be downloaded here; migrations are applied by npm run db:migrate" >&2
exit 1
