// Types of redact-fields.mjs for the TypeScript scenarios.
export declare const PATHS: string[];
export declare function fields(i: number): { user: { id: number; name: string; password: string }; headers: Record<string, string> };
