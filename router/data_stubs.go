package router

import "context"

func (r *Router) putItem(ctx context.Context, body []byte) (any, error)        { panic("todo") }
func (r *Router) getItem(ctx context.Context, body []byte) (any, error)        { panic("todo") }
func (r *Router) updateItem(ctx context.Context, body []byte) (any, error)     { panic("todo") }
func (r *Router) deleteItem(ctx context.Context, body []byte) (any, error)     { panic("todo") }
func (r *Router) query(ctx context.Context, body []byte) (any, error)          { panic("todo") }
func (r *Router) scan(ctx context.Context, body []byte) (any, error)           { panic("todo") }
func (r *Router) batchGetItem(ctx context.Context, body []byte) (any, error)   { panic("todo") }
func (r *Router) batchWriteItem(ctx context.Context, body []byte) (any, error) { panic("todo") }
