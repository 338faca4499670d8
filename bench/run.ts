// `npm run bench`: each benchmark of bench/ in turn, printing its figures side by side.
import './verify.js';
import { benchDashboard } from './dashboard.js';
import { benchReports } from './reports.js';
import { benchTimeline } from './timeline.js';

benchReports();
benchTimeline();
await benchDashboard();
