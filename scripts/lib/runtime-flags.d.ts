export function serviceNodeFlags(dockerfile?: string): string[];
