// Public face of the fit feed: the prediction, the measurement and the advice wired into the core.
export { FitFeed, type FitFeedDeps, type FitTarget } from './fit-feed.js';
