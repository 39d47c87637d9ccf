// Package dberr defines the client-visible failure kinds of flotilla and the
// error value that carries one. Every package that can fail a DynamoDB
// request returns a *Error; the router translates its Kind to DynamoDB's
// `__type` and HTTP status in exactly one table.
//
// Errors are immutable values and safe for concurrent use.
package dberr

import (
	"errors"
	"fmt"
)

// Kind is a client-visible failure class. The list is append-only.
type Kind uint8

const (
	// Internal is an unexpected server fault (HTTP 500 InternalServerError).
	Internal Kind = iota
	// Validation is DynamoDB's ValidationException.
	Validation
	// Serialization is SerializationException: the body is not valid JSON or
	// a field has the wrong JSON type.
	Serialization
	// UnknownOperation is UnknownOperationException.
	UnknownOperation
	// ConditionalCheckFailed is ConditionalCheckFailedException.
	ConditionalCheckFailed
	// ResourceNotFound is ResourceNotFoundException.
	ResourceNotFound
	// ResourceInUse is ResourceInUseException.
	ResourceInUse
	// LimitExceeded is LimitExceededException.
	LimitExceeded
	// ItemCollectionSizeLimitExceeded is ItemCollectionSizeLimitExceededException.
	ItemCollectionSizeLimitExceeded
	// ProvisionedThroughputExceeded is ProvisionedThroughputExceededException.
	ProvisionedThroughputExceeded
	// Throttling is ThrottlingException.
	Throttling
	// TransactionCanceled is TransactionCanceledException.
	TransactionCanceled
	// Unavailable is ServiceUnavailable (HTTP 503).
	Unavailable
	// MissingAuthenticationToken is MissingAuthenticationTokenException.
	MissingAuthenticationToken
)

// Error is a failure to report to a DynamoDB client.
type Error struct {
	Kind    Kind
	Message string
	// Item is the current item, set on ConditionalCheckFailed when the request
	// asked for ReturnValuesOnConditionCheckFailure=ALL_OLD. It holds the
	// item in wire form (attr.Item); typed as any to keep this package a leaf.
	Item any
}

func (e *Error) Error() string { return e.Message }

// New returns an error of kind k with a formatted message.
func New(k Kind, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Kind: k, Message: format}
	}
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Validationf returns a ValidationException with a formatted message.
func Validationf(format string, args ...any) *Error { return New(Validation, format, args...) }

// Invalidf returns a ValidationException whose message starts with DynamoDB's
// "One or more parameter values were invalid: " prefix.
func Invalidf(format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Kind: Validation, Message: "One or more parameter values were invalid: " + msg}
}

// ConditionFailed is the error of a failed ConditionExpression.
func ConditionFailed() *Error {
	return &Error{Kind: ConditionalCheckFailed, Message: "The conditional request failed"}
}

// As returns the *Error inside err, or an Internal error wrapping it.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Message: "Internal server error"}
}

// Is reports whether err carries an *Error of kind k.
func Is(err error, k Kind) bool {
	if err == nil {
		return false
	}
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}
