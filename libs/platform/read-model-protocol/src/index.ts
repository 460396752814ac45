// `@orders/read-model-protocol`: what the projector and the ops CLI say to each other about the read models (the
// CLI runs the projector's maintenance entry as a process and never imports the app).
export * from './projections';
export * from './operations';
export * from './replayed-message';
