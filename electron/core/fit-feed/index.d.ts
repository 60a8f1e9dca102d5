export { FitFeed, type FitFeedDeps, type FitTarget } from './fit-feed.js';
