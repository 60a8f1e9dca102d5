import { z } from 'zod';
import { parseDuration } from './units.js';
export { parseDuration };
/** '48G', '64MiB', '512k', '1.5GB' or a number of bytes → bytes. */
export declare function parseSize(v: string | number): number | null;
export declare const HealthSchema: z.ZodPipe<z.ZodObject<{
    path: z.ZodPipe<z.ZodDefault<z.ZodUnion<readonly [z.ZodString, z.ZodNull]>>, z.ZodTransform<string | null, string | null>>;
    interval: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    timeout: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    unhealthyAfter: z.ZodDefault<z.ZodNumber>;
    restartAfter: z.ZodDefault<z.ZodNumber>;
    startupTimeout: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    generate: z.ZodDefault<z.ZodNullable<z.ZodObject<{
        every: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        timeout: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    }, z.core.$strict>>>;
}, z.core.$strict>, z.ZodTransform<{
    path: string | null;
    intervalMs: number;
    timeoutMs: number;
    unhealthyAfter: number;
    restartAfter: number;
    startupTimeoutMs: number;
    generate: {
        everyMs: number;
        timeoutMs: number;
    } | null;
}, {
    path: string | null;
    interval: number;
    timeout: number;
    unhealthyAfter: number;
    restartAfter: number;
    startupTimeout: number;
    generate: {
        every: number;
        timeout: number;
    } | null;
}>>;
export declare const RestartSchema: z.ZodPipe<z.ZodObject<{
    policy: z.ZodDefault<z.ZodEnum<{
        always: "always";
        "on-failure": "on-failure";
        never: "never";
    }>>;
    backoff: z.ZodPrefault<z.ZodObject<{
        initial: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        factor: z.ZodDefault<z.ZodNumber>;
        max: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    }, z.core.$strict>>;
    limit: z.ZodPrefault<z.ZodObject<{
        count: z.ZodDefault<z.ZodNumber>;
        window: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    }, z.core.$strict>>;
}, z.core.$strict>, z.ZodTransform<{
    policy: "always" | "on-failure" | "never";
    backoff: {
        initialMs: number;
        factor: number;
        maxMs: number;
    };
    limit: {
        count: number;
        windowMs: number;
    };
}, {
    policy: "always" | "on-failure" | "never";
    backoff: {
        initial: number;
        factor: number;
        max: number;
    };
    limit: {
        count: number;
        window: number;
    };
}>>;
/**
 * How a backend is stopped: a signal to its process group, or a command (for
 * backends whose process is only a client, e.g. `docker run`: `docker stop …`),
 * with `${PID}` and `${PORT}` replaced; then `grace` before SIGKILL.
 */
export declare const StopSchema: z.ZodPipe<z.ZodObject<{
    signal: z.ZodDefault<z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodEnum<{
        SIGTERM: "SIGTERM";
        SIGINT: "SIGINT";
        SIGQUIT: "SIGQUIT";
        SIGHUP: "SIGHUP";
        SIGKILL: "SIGKILL";
        SIGUSR1: "SIGUSR1";
        SIGUSR2: "SIGUSR2";
    }>>>;
    grace: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    cmd: z.ZodDefault<z.ZodNullable<z.ZodUnion<readonly [z.ZodString, z.ZodArray<z.ZodString>]>>>;
}, z.core.$strict>, z.ZodTransform<{
    signal: "SIGTERM" | "SIGINT" | "SIGQUIT" | "SIGHUP" | "SIGKILL" | "SIGUSR1" | "SIGUSR2";
    graceMs: number;
    cmd: string | string[] | null;
}, {
    signal: "SIGTERM" | "SIGINT" | "SIGQUIT" | "SIGHUP" | "SIGKILL" | "SIGUSR1" | "SIGUSR2";
    grace: number;
    cmd: string | string[] | null;
}>>;
/** One backend as written in the file (before `cmd` string splitting). */
export declare const BackendSchema: z.ZodObject<{
    name: z.ZodOptional<z.ZodString>;
    cmd: z.ZodUnion<readonly [z.ZodString, z.ZodArray<z.ZodString>]>;
    env: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber, z.ZodBoolean]>, z.ZodTransform<string, string | number | boolean>>>>;
    cwd: z.ZodDefault<z.ZodNullable<z.ZodString>>;
    port: z.ZodDefault<z.ZodUnion<readonly [z.ZodNumber, z.ZodLiteral<"auto">]>>;
    health: z.ZodPrefault<z.ZodPipe<z.ZodObject<{
        path: z.ZodPipe<z.ZodDefault<z.ZodUnion<readonly [z.ZodString, z.ZodNull]>>, z.ZodTransform<string | null, string | null>>;
        interval: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        timeout: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        unhealthyAfter: z.ZodDefault<z.ZodNumber>;
        restartAfter: z.ZodDefault<z.ZodNumber>;
        startupTimeout: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        generate: z.ZodDefault<z.ZodNullable<z.ZodObject<{
            every: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            timeout: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        }, z.core.$strict>>>;
    }, z.core.$strict>, z.ZodTransform<{
        path: string | null;
        intervalMs: number;
        timeoutMs: number;
        unhealthyAfter: number;
        restartAfter: number;
        startupTimeoutMs: number;
        generate: {
            everyMs: number;
            timeoutMs: number;
        } | null;
    }, {
        path: string | null;
        interval: number;
        timeout: number;
        unhealthyAfter: number;
        restartAfter: number;
        startupTimeout: number;
        generate: {
            every: number;
            timeout: number;
        } | null;
    }>>>;
    restart: z.ZodPrefault<z.ZodPipe<z.ZodObject<{
        policy: z.ZodDefault<z.ZodEnum<{
            always: "always";
            "on-failure": "on-failure";
            never: "never";
        }>>;
        backoff: z.ZodPrefault<z.ZodObject<{
            initial: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            factor: z.ZodDefault<z.ZodNumber>;
            max: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        }, z.core.$strict>>;
        limit: z.ZodPrefault<z.ZodObject<{
            count: z.ZodDefault<z.ZodNumber>;
            window: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        }, z.core.$strict>>;
    }, z.core.$strict>, z.ZodTransform<{
        policy: "always" | "on-failure" | "never";
        backoff: {
            initialMs: number;
            factor: number;
            maxMs: number;
        };
        limit: {
            count: number;
            windowMs: number;
        };
    }, {
        policy: "always" | "on-failure" | "never";
        backoff: {
            initial: number;
            factor: number;
            max: number;
        };
        limit: {
            count: number;
            window: number;
        };
    }>>>;
    stop: z.ZodPrefault<z.ZodPipe<z.ZodObject<{
        signal: z.ZodDefault<z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodEnum<{
            SIGTERM: "SIGTERM";
            SIGINT: "SIGINT";
            SIGQUIT: "SIGQUIT";
            SIGHUP: "SIGHUP";
            SIGKILL: "SIGKILL";
            SIGUSR1: "SIGUSR1";
            SIGUSR2: "SIGUSR2";
        }>>>;
        grace: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        cmd: z.ZodDefault<z.ZodNullable<z.ZodUnion<readonly [z.ZodString, z.ZodArray<z.ZodString>]>>>;
    }, z.core.$strict>, z.ZodTransform<{
        signal: "SIGTERM" | "SIGINT" | "SIGQUIT" | "SIGHUP" | "SIGKILL" | "SIGUSR1" | "SIGUSR2";
        graceMs: number;
        cmd: string | string[] | null;
    }, {
        signal: "SIGTERM" | "SIGINT" | "SIGQUIT" | "SIGHUP" | "SIGKILL" | "SIGUSR1" | "SIGUSR2";
        grace: number;
        cmd: string | string[] | null;
    }>>>;
    memoryLimit: z.ZodDefault<z.ZodNullable<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>>;
    fit: z.ZodPrefault<z.ZodObject<{
        policy: z.ZodDefault<z.ZodEnum<{
            warn: "warn";
            refuse: "refuse";
        }>>;
    }, z.core.$strict>>;
    autostart: z.ZodDefault<z.ZodBoolean>;
    keepRunningOnQuit: z.ZodDefault<z.ZodBoolean>;
    llama: z.ZodDefault<z.ZodNullable<z.ZodBoolean>>;
}, z.core.$strict>;
export declare const AlertsSchema: z.ZodObject<{
    memAvailableBelow: z.ZodPrefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<{
        percent: number;
    } | {
        bytes: number;
    }, string | number>>>;
    psiFullAvg10Above: z.ZodDefault<z.ZodNumber>;
    limitMarginPercent: z.ZodDefault<z.ZodNumber>;
}, z.core.$strict>;
export declare const ConfigFileSchema: z.ZodObject<{
    version: z.ZodOptional<z.ZodLiteral<1>>;
    backends: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodObject<{
        name: z.ZodOptional<z.ZodString>;
        cmd: z.ZodUnion<readonly [z.ZodString, z.ZodArray<z.ZodString>]>;
        env: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber, z.ZodBoolean]>, z.ZodTransform<string, string | number | boolean>>>>;
        cwd: z.ZodDefault<z.ZodNullable<z.ZodString>>;
        port: z.ZodDefault<z.ZodUnion<readonly [z.ZodNumber, z.ZodLiteral<"auto">]>>;
        health: z.ZodPrefault<z.ZodPipe<z.ZodObject<{
            path: z.ZodPipe<z.ZodDefault<z.ZodUnion<readonly [z.ZodString, z.ZodNull]>>, z.ZodTransform<string | null, string | null>>;
            interval: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            timeout: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            unhealthyAfter: z.ZodDefault<z.ZodNumber>;
            restartAfter: z.ZodDefault<z.ZodNumber>;
            startupTimeout: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            generate: z.ZodDefault<z.ZodNullable<z.ZodObject<{
                every: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
                timeout: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            }, z.core.$strict>>>;
        }, z.core.$strict>, z.ZodTransform<{
            path: string | null;
            intervalMs: number;
            timeoutMs: number;
            unhealthyAfter: number;
            restartAfter: number;
            startupTimeoutMs: number;
            generate: {
                everyMs: number;
                timeoutMs: number;
            } | null;
        }, {
            path: string | null;
            interval: number;
            timeout: number;
            unhealthyAfter: number;
            restartAfter: number;
            startupTimeout: number;
            generate: {
                every: number;
                timeout: number;
            } | null;
        }>>>;
        restart: z.ZodPrefault<z.ZodPipe<z.ZodObject<{
            policy: z.ZodDefault<z.ZodEnum<{
                always: "always";
                "on-failure": "on-failure";
                never: "never";
            }>>;
            backoff: z.ZodPrefault<z.ZodObject<{
                initial: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
                factor: z.ZodDefault<z.ZodNumber>;
                max: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            }, z.core.$strict>>;
            limit: z.ZodPrefault<z.ZodObject<{
                count: z.ZodDefault<z.ZodNumber>;
                window: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            }, z.core.$strict>>;
        }, z.core.$strict>, z.ZodTransform<{
            policy: "always" | "on-failure" | "never";
            backoff: {
                initialMs: number;
                factor: number;
                maxMs: number;
            };
            limit: {
                count: number;
                windowMs: number;
            };
        }, {
            policy: "always" | "on-failure" | "never";
            backoff: {
                initial: number;
                factor: number;
                max: number;
            };
            limit: {
                count: number;
                window: number;
            };
        }>>>;
        stop: z.ZodPrefault<z.ZodPipe<z.ZodObject<{
            signal: z.ZodDefault<z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodEnum<{
                SIGTERM: "SIGTERM";
                SIGINT: "SIGINT";
                SIGQUIT: "SIGQUIT";
                SIGHUP: "SIGHUP";
                SIGKILL: "SIGKILL";
                SIGUSR1: "SIGUSR1";
                SIGUSR2: "SIGUSR2";
            }>>>;
            grace: z.ZodDefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            cmd: z.ZodDefault<z.ZodNullable<z.ZodUnion<readonly [z.ZodString, z.ZodArray<z.ZodString>]>>>;
        }, z.core.$strict>, z.ZodTransform<{
            signal: "SIGTERM" | "SIGINT" | "SIGQUIT" | "SIGHUP" | "SIGKILL" | "SIGUSR1" | "SIGUSR2";
            graceMs: number;
            cmd: string | string[] | null;
        }, {
            signal: "SIGTERM" | "SIGINT" | "SIGQUIT" | "SIGHUP" | "SIGKILL" | "SIGUSR1" | "SIGUSR2";
            grace: number;
            cmd: string | string[] | null;
        }>>>;
        memoryLimit: z.ZodDefault<z.ZodNullable<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>>;
        fit: z.ZodPrefault<z.ZodObject<{
            policy: z.ZodDefault<z.ZodEnum<{
                warn: "warn";
                refuse: "refuse";
            }>>;
        }, z.core.$strict>>;
        autostart: z.ZodDefault<z.ZodBoolean>;
        keepRunningOnQuit: z.ZodDefault<z.ZodBoolean>;
        llama: z.ZodDefault<z.ZodNullable<z.ZodBoolean>>;
    }, z.core.$strict>>>;
    alerts: z.ZodPrefault<z.ZodObject<{
        memAvailableBelow: z.ZodPrefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<{
            percent: number;
        } | {
            bytes: number;
        }, string | number>>>;
        psiFullAvg10Above: z.ZodDefault<z.ZodNumber>;
        limitMarginPercent: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
    kernelLog: z.ZodPrefault<z.ZodObject<{
        sources: z.ZodDefault<z.ZodArray<z.ZodEnum<{
            kmsg: "kmsg";
            journal: "journal";
        }>>>;
    }, z.core.$strict>>;
    sampling: z.ZodPrefault<z.ZodObject<{
        intervalMs: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
    watch: z.ZodPrefault<z.ZodObject<{
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
    }, z.core.$strict>>;
}, z.core.$strict>;
/** One backend as a user writes it (durations/sizes as strings, cmd as string or argv). */
export type BackendConfigInput = z.input<typeof BackendSchema>;
/** One backend after the schema, before cmd splitting. */
export type ParsedBackend = z.output<typeof BackendSchema>;
/** One backend, fully normalised: ms, bytes, argv. This is what the supervisor runs. */
export type BackendConfig = Omit<ParsedBackend, 'cmd' | 'stop'> & {
    id: string;
    cmd: string[];
    stop: Omit<ParsedBackend['stop'], 'cmd'> & {
        cmd: string[] | null;
    };
};
export type ConfigFileInput = z.input<typeof ConfigFileSchema>;
export type ParsedConfigFile = z.output<typeof ConfigFileSchema>;
/** The whole file, normalised. */
export type VigilConfig = Omit<ParsedConfigFile, 'backends'> & {
    backends: Record<string, BackendConfig>;
};
