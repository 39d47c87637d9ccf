package router

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// maxTags is how many tags one table may carry.
const maxTags = 50

// tagPattern is the character set DynamoDB allows in tag keys and values.
var tagPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// tableARNPattern matches a table ARN and captures region, account and name.
var tableARNPattern = regexp.MustCompile(`^arn:aws:dynamodb:([^:]+):(\d+):table/([^/]+)$`)

// checkTags checks tags beyond their length constraints and returns them.
func checkTags(tags []wireTag) ([]schema.Tag, error) {
	out := make([]schema.Tag, 0, len(tags))
	for _, t := range tags {
		key := *t.Key
		switch {
		case t.Value == nil:
			return nil, dberr.Validationf("The Tag Value provided is invalid, Value: null")
		case strings.HasPrefix(key, "aws:"):
			return nil, dberr.Validationf("Tag Key cannot be prefixed with aws:, Key: %s", key)
		case !tagPattern.MatchString(key):
			return nil, dberr.Validationf("The Tag Key provided is invalid, Key: %s", key)
		case !tagPattern.MatchString(*t.Value):
			return nil, dberr.Validationf("The Tag Value provided is invalid, Value: %s", *t.Value)
		case slices.ContainsFunc(out, func(o schema.Tag) bool { return o.Key == key }):
			return nil, dberr.Validationf("Duplicate Tag Keys provided as input: Duplicate Tag Key found %s", key)
		}
		out = append(out, schema.Tag{Key: key, Value: *t.Value})
	}
	if len(out) > maxTags {
		return nil, errTooManyTags()
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func errTooManyTags() error {
	return dberr.Validationf("Number of Tags exceed the current limit for the provided ResourceArn")
}

// checkResourceARN checks that arn names a table of this region and
// returns the table's name.
func (r *Router) checkResourceARN(arn string) (string, error) {
	m := tableARNPattern.FindStringSubmatch(arn)
	if m == nil || m[1] != r.cfg.Region || len(m[3]) < 3 || len(m[3]) > 255 || !validTableName(m[3]) {
		return "", dberr.Validationf("Invalid TableArn: Invalid ResourceArn provided as input %s", arn)
	}
	return m[3], nil
}

// resourceNotFound is the error of tag operations on an unknown table.
func resourceNotFound(arn string) error {
	return dberr.New(dberr.ResourceNotFound, "Requested resource not found: ResourcArn: %s not found", arn)
}

// tagResource serves TagResource.
func (r *Router) tagResource(ctx context.Context, body []byte) (any, error) {
	var in tagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ResourceArn == nil || *in.ResourceArn == "" {
		return nil, dberr.Validationf("Invalid TableArn")
	}
	var c constraints
	if in.Tags == nil {
		c.addNull("tags")
	}
	c.tags(in.Tags, "tags")
	if err := cappedErr(&c); err != nil {
		return nil, err
	}
	arn := *in.ResourceArn
	name, err := r.checkResourceARN(arn)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, dberr.Validationf("Atleast one Tag needs to be provided as Input.")
	}
	tags, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	_, err = r.cfg.Catalog.UpdateTable(ctx, name, func(t *schema.Table) error {
		if t.ARN != arn {
			return resourceNotFound(arn)
		}
		t.Tags = mergeTags(t.Tags, tags)
		if len(t.Tags) > maxTags {
			return errTooManyTags()
		}
		return nil
	})
	if dberr.Is(err, dberr.ResourceNotFound) {
		return nil, resourceNotFound(arn)
	}
	if err != nil {
		return nil, fmt.Errorf("router: tag table %s: %w", name, err)
	}
	return emptyOutput{}, nil
}

// mergeTags returns have with add applied: a tag of an existing key
// replaces its value, a new key is appended.
func mergeTags(have, add []schema.Tag) []schema.Tag {
	out := slices.Clone(have)
	for _, a := range add {
		i := slices.IndexFunc(out, func(t schema.Tag) bool { return t.Key == a.Key })
		if i >= 0 {
			out[i].Value = a.Value
			continue
		}
		out = append(out, a)
	}
	return out
}

// untagResource serves UntagResource.
func (r *Router) untagResource(ctx context.Context, body []byte) (any, error) {
	var in untagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ResourceArn == nil || *in.ResourceArn == "" {
		return nil, dberr.Validationf("Invalid TableArn")
	}
	if err := validateTagKeys(in.TagKeys); err != nil {
		return nil, err
	}
	arn := *in.ResourceArn
	name, err := r.checkResourceARN(arn)
	if err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 {
		return nil, dberr.Validationf("Atleast one Tag Key needs to be provided as Input.")
	}
	notFound := dberr.New(dberr.ResourceNotFound, "Requested resource not found")
	_, err = r.cfg.Catalog.UpdateTable(ctx, name, func(t *schema.Table) error {
		if t.ARN != arn {
			return notFound
		}
		t.Tags = slices.DeleteFunc(t.Tags, func(tag schema.Tag) bool {
			return slices.ContainsFunc(in.TagKeys, func(k *string) bool { return *k == tag.Key })
		})
		return nil
	})
	if dberr.Is(err, dberr.ResourceNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("router: untag table %s: %w", name, err)
	}
	return emptyOutput{}, nil
}

// validateTagKeys checks UntagResource's TagKeys constraints.
func validateTagKeys(keys []*string) error {
	var c constraints
	if keys == nil {
		c.addNull("tagKeys")
	}
	for i, k := range keys {
		field := fmt.Sprintf("tagKeys.%d.member", i+1)
		switch {
		case k == nil:
			c.addNull(field)
		case len(*k) == 0:
			c.add(*k, field, "Member must have length greater than or equal to 1")
		case len([]rune(*k)) > 128:
			c.add(*k, field, "Member must have length less than or equal to 128")
		}
	}
	return cappedErr(&c)
}

// listTagsOfResource serves ListTagsOfResource.
func (r *Router) listTagsOfResource(ctx context.Context, body []byte) (any, error) {
	var in listTagsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ResourceArn == nil || *in.ResourceArn == "" {
		return nil, dberr.Validationf("Invalid TableArn")
	}
	arn := *in.ResourceArn
	name, err := r.checkResourceARN(arn)
	if err != nil {
		return nil, err
	}
	t, err := r.cfg.Catalog.Table(ctx, name)
	if dberr.Is(err, dberr.ResourceNotFound) || (err == nil && t.ARN != arn) {
		return nil, resourceNotFound(arn)
	}
	if err != nil {
		return nil, fmt.Errorf("router: table %s: %w", name, err)
	}
	out := listTagsOutput{Tags: make([]tagOut, 0, len(t.Tags))}
	for _, tag := range t.Tags {
		out.Tags = append(out.Tags, tagOut{tag.Key, tag.Value})
	}
	return out, nil
}
