// Deciders of this context arrive with their issue; the package exists so the layering rules apply from day one.
export {};
