import { METRIC, METRICS_NAMESPACE, metricsService, OFF } from "../core/deployment.js";

/**
 * CloudWatch alarms on what operators must hear about, all sent to one SNS topic (`Alarms`):
 *
 * - EffectsStuck: an outbox entry gave up (dead-letter index): a card, notice or grant that will
 *   not happen without someone looking (`npx gatekeeper sweep` lists them).
 * - WorkerFailures: stream records the worker could not process reached its failure queue.
 * - HandlerErrors: any function failed (Lambda's Errors), or a handler caught an unexpected error
 *   (the app's HandlerErrors metric: a listener that threw, a stream batch that failed).
 * - AnswerTime: the 99th percentile of interaction answer times went over 2 s (the platforms give
 *   up at 3 s).
 *
 * The topic emails the address in the optional secret `AlarmEmail`
 * (`npx sst secret set AlarmEmail ops@example.com --stage prod`; AWS asks the address to confirm).
 * Left at its placeholder, the alarms still show in the CloudWatch console and the topic can be
 * subscribed to by hand.
 */
export function createAlarms(opts: {
  functions: Record<string, $util.Input<string>>;
  failureQueueName: $util.Input<string>;
}) {
  const topic = new aws.sns.Topic("Alarms");
  const email = new sst.Secret("AlarmEmail", OFF);
  // A subscription only when the secret is set: the secret's value is known at deploy time only.
  email.value.apply((address) => {
    if (address.trim() === "" || address === OFF) return;
    new aws.sns.TopicSubscription("AlarmEmailSubscription", {
      topic: topic.arn,
      protocol: "email",
      endpoint: address.trim(),
    });
  });

  const service = { service: metricsService($app.name, $app.stage) };
  const FIVE_MINUTES = 300;
  const actions = { alarmActions: [topic.arn], okActions: [topic.arn], treatMissingData: "notBreaching" };

  const stuck = new aws.cloudwatch.MetricAlarm("EffectsStuckAlarm", {
    ...actions,
    alarmDescription:
      "Gatekeeper: an outbox entry (card, notice, grant) gave up; `npx gatekeeper sweep` lists it",
    namespace: METRICS_NAMESPACE,
    metricName: METRIC.effectsStuck,
    dimensions: service,
    statistic: "Sum",
    period: FIVE_MINUTES,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
  });

  const queue = new aws.cloudwatch.MetricAlarm("WorkerFailuresAlarm", {
    ...actions,
    alarmDescription: "Gatekeeper: the stream worker sent records to its failure queue (WorkerFailures)",
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: opts.failureQueueName },
    statistic: "Maximum",
    period: FIVE_MINUTES,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
  });

  const lambdaErrors = Object.entries(opts.functions).map(([name, functionName], i) => ({
    id: `fn${i}`,
    label: name,
    returnData: false,
    metric: {
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: functionName },
      stat: "Sum",
      period: FIVE_MINUTES,
    },
  }));
  const errors = new aws.cloudwatch.MetricAlarm("HandlerErrorsAlarm", {
    ...actions,
    alarmDescription: "Gatekeeper: a function failed or a handler caught an unexpected error; see the logs",
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    metricQueries: [
      {
        id: "app",
        label: METRIC.handlerErrors,
        returnData: false,
        metric: {
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.handlerErrors,
          dimensions: service,
          stat: "Sum",
          period: FIVE_MINUTES,
        },
      },
      ...lambdaErrors,
      {
        id: "errors",
        label: "Errors",
        returnData: true,
        expression: ["app", ...lambdaErrors.map((q) => q.id)].map((id) => `FILL(${id}, 0)`).join(" + "),
      },
    ],
  });

  const slow = new aws.cloudwatch.MetricAlarm("AnswerTimeAlarm", {
    ...actions,
    alarmDescription:
      "Gatekeeper: p99 interaction answer time is over 2 s (Slack and Discord give up at 3 s)",
    namespace: METRICS_NAMESPACE,
    metricName: METRIC.answerTime,
    dimensions: service,
    extendedStatistic: "p99",
    period: FIVE_MINUTES,
    evaluationPeriods: 1,
    threshold: 2000,
    comparisonOperator: "GreaterThanThreshold",
  });

  return { topic, alarms: [stuck, queue, errors, slow] };
}
