// The independent float64 reference of the feature catalogue.
export { referenceFeatures, unusable, REFERENCE_BASE_FEATURES, STEP_FEATURES, type ReferenceConsumer, type ReferenceOptions } from './features.js';
export { isoWeekday } from './calendar.js';
export { resampleTemplate } from './profile.js';
