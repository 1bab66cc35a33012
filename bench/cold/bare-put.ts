import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";

/** The floor of a cold start: a handler that writes one item with the AWS SDK, and nothing else. */
const client = new DynamoDBClient(
  process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {},
);

export const handler = async (_event: unknown, _context: unknown) => {
  await client.send(
    new PutItemCommand({
      TableName: process.env.TABLE_NAME ?? "",
      Item: { pk: { S: `cold#${Date.now()}` }, sk: { S: "cold" } },
    }),
  );
  return { statusCode: 200 };
};
