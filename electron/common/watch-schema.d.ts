import { z } from 'zod';
export declare const WatchMatchSchema: z.ZodObject<{
    cmdline: z.ZodOptional<z.ZodString>;
    exe: z.ZodOptional<z.ZodString>;
    unit: z.ZodOptional<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>>;
    port: z.ZodOptional<z.ZodNumber>;
}, z.core.$strict>;
export declare const WatchRuleSchema: z.ZodObject<{
    health: z.ZodDefault<z.ZodUnion<readonly [z.ZodString, z.ZodNull]>>;
    cmdline: z.ZodOptional<z.ZodString>;
    exe: z.ZodOptional<z.ZodString>;
    unit: z.ZodOptional<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>>;
    port: z.ZodOptional<z.ZodNumber>;
    name: z.ZodString;
}, z.core.$strict>;
export declare const WatchConfigSchema: z.ZodObject<{
    enabled: z.ZodDefault<z.ZodBoolean>;
    catalog: z.ZodDefault<z.ZodBoolean>;
    rules: z.ZodDefault<z.ZodArray<z.ZodObject<{
        health: z.ZodDefault<z.ZodUnion<readonly [z.ZodString, z.ZodNull]>>;
        cmdline: z.ZodOptional<z.ZodString>;
        exe: z.ZodOptional<z.ZodString>;
        unit: z.ZodOptional<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>>;
        port: z.ZodOptional<z.ZodNumber>;
        name: z.ZodString;
    }, z.core.$strict>>>;
    ignore: z.ZodDefault<z.ZodArray<z.ZodObject<{
        cmdline: z.ZodOptional<z.ZodString>;
        exe: z.ZodOptional<z.ZodString>;
        unit: z.ZodOptional<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>>;
        port: z.ZodOptional<z.ZodNumber>;
    }, z.core.$strict>>>;
    health: z.ZodPrefault<z.ZodObject<{
        interval: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        timeout: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        unhealthyAfter: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
    zombieGrace: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
}, z.core.$strict>;
export type WatchRule = z.output<typeof WatchRuleSchema>;
export type WatchMatch = z.output<typeof WatchMatchSchema>;
export type WatchConfig = z.output<typeof WatchConfigSchema>;
export type WatchConfigInput = z.input<typeof WatchConfigSchema>;
