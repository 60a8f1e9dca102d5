// Types for parse-prometheus-text-format (the package ships none).
declare module 'parse-prometheus-text-format' {
  export interface PrometheusSample {
    /** The sample as written ('0.25', 'NaN', '+Inf'); histograms and summaries carry buckets/quantiles instead. */
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  export interface PrometheusFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
    metrics: PrometheusSample[];
  }
  /** Throws on a line that is not Prometheus text. */
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
