// `npm run bench`: each benchmark of bench/ in turn, printing one line each.
import { benchReports } from './reports.js';

benchReports();
