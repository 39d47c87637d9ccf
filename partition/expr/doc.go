// Package expr is DynamoDB's expression language: it parses and evaluates
// ConditionExpression, FilterExpression, KeyConditionExpression,
// UpdateExpression and ProjectionExpression, with ExpressionAttributeNames
// and ExpressionAttributeValues.
//
// Parsing reports DynamoDB's exact ValidationException messages
// ("Invalid UpdateExpression: Syntax error; token: ...", unused or undefined
// names and values, overlapping paths, wrong operand types). A parsed
// expression is immutable and deterministic: evaluating it reads no clock and
// no randomness, so replicas that evaluate the same expression on the same
// item agree. Parsed expressions are safe for concurrent use.
package expr
