// Package expr is DynamoDB's expression language: it parses and evaluates
// ConditionExpression, FilterExpression, KeyConditionExpression,
// UpdateExpression and ProjectionExpression, with ExpressionAttributeNames
// and ExpressionAttributeValues.
//
// It owns the grammar (a hand-written lexer and recursive-descent parser,
// lexer.go and parser.go), DynamoDB's reserved words, the checks DynamoDB
// makes on a parsed expression, and the semantics of evaluation
// (Condition.Eval), of updates (Update.Apply) and of projections (Project).
// It leaves to callers the checks that need a table: that an update does
// not touch key attributes, that an item stays within 400 KB, and which
// index a key condition applies to.
//
// Parsing reports DynamoDB's exact ValidationException messages
// ("Invalid UpdateExpression: Syntax error; token: ...", unused or undefined
// names and values, overlapping paths, wrong operand types). Like DynamoDB,
// it reports a syntax error at the first token the grammar cannot accept;
// otherwise it checks the whole expression and reports the first error of
// the most important class (see the slot orders in condition.go, update.go
// and projection.go). Expressions are limited to MaxExpressionSize bytes,
// which also bounds the parser's recursion.
//
// A parsed expression is immutable and deterministic: evaluating it reads no
// clock and no randomness, so replicas that evaluate the same expression on
// the same item agree. Parsed expressions are safe for concurrent use; an
// Env records which names and values the expressions parsed on it used, and
// is not safe for concurrent use.
package expr
