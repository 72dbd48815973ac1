import { exportedSampleNames, grafanaVariableMetricNames, promqlMetricNames } from './promql-metric-names';

describe('metric names read by PromQL', () => {
  it('finds the metrics of a ratio with grouping, label matchers and a range', () => {
    const expr = `sum by (service) (rate(callfleet_http_request_duration_seconds_count{status_code=~"5.."}[5m]))
      / sum by (service) (rate(callfleet_http_request_duration_seconds_count[5m])) > 0.05`;
    expect([...promqlMetricNames(expr)]).toEqual(['callfleet_http_request_duration_seconds_count']);
  });

  it('ignores functions, keywords, label names in on/group_left and Grafana variables', () => {
    const expr = `histogram_quantile(0.99, sum without (pod) (rate(a_bucket{service=~"$service"}[$__rate_interval])))
      or on (service) group_left (team) b_total offset 5m unless time() - c_seconds > bool 1e3`;
    expect([...promqlMetricNames(expr)].sort()).toEqual(['a_bucket', 'b_total', 'c_seconds']);
  });

  it('reads the metric of a label_values() variable query', () => {
    expect([...grafanaVariableMetricNames('label_values(callfleet_x_total{a="b"}, service)')]).toEqual([
      'callfleet_x_total',
    ]);
  });

  it('lists histogram series with their suffixes from a scrape', () => {
    const scrape = [
      '# HELP h_seconds help',
      '# TYPE h_seconds histogram',
      'h_seconds_bucket{le="1"} 0',
      '# TYPE c_total counter',
      '# TYPE g gauge',
    ].join('\n');
    expect([...exportedSampleNames(scrape)].sort()).toEqual([
      'c_total',
      'g',
      'h_seconds',
      'h_seconds_bucket',
      'h_seconds_count',
      'h_seconds_sum',
    ]);
  });
});
