package router

import "context"

func (r *Router) createTable(ctx context.Context, body []byte) (any, error)        { panic("todo") }
func (r *Router) describeTable(ctx context.Context, body []byte) (any, error)      { panic("todo") }
func (r *Router) listTables(ctx context.Context, body []byte) (any, error)         { panic("todo") }
func (r *Router) deleteTable(ctx context.Context, body []byte) (any, error)        { panic("todo") }
func (r *Router) updateTable(ctx context.Context, body []byte) (any, error)        { panic("todo") }
func (r *Router) tagResource(ctx context.Context, body []byte) (any, error)        { panic("todo") }
func (r *Router) untagResource(ctx context.Context, body []byte) (any, error)      { panic("todo") }
func (r *Router) listTagsOfResource(ctx context.Context, body []byte) (any, error) { panic("todo") }
func (r *Router) describeEndpoints(ctx context.Context, body []byte) (any, error)  { panic("todo") }
func (r *Router) describeLimits(ctx context.Context, body []byte) (any, error)     { panic("todo") }
