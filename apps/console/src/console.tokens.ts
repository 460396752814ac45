export const UI_BUNDLE = Symbol('UI_BUNDLE');
