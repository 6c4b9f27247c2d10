package webflow

import (
	"context"
	"errors"

	"golang.org/x/oauth2"
)

// StoreFuncs is a Store made of three functions, the shortest way to put
// the flow on another token store, for example auth/tokenstore, whose
// FindActive refreshes an expired token in place (the id the session
// keeps stays valid across refreshes):
//
//	webflow.StoreFuncs{
//		SaveFunc: func(ctx context.Context, client string, tok *oauth2.Token) (string, error) {
//			t, err := ts.Save(ctx, tok, tokenstore.SaveOptions{Client: client})
//			if err != nil {
//				return "", err
//			}
//			return t.ID, nil
//		},
//		FindFunc: func(ctx context.Context, id string) (*oauth2.Token, error) {
//			t, err := ts.FindActive(ctx, id, 0)
//			if errors.Is(err, tokenstore.ErrNotFound) {
//				return nil, fmt.Errorf("%w: %w", webflow.ErrTokenNotFound, err)
//			}
//			if err != nil {
//				return nil, err
//			}
//			return t.OAuth2(), nil
//		},
//		DeleteFunc: ts.Delete,
//	}
type StoreFuncs struct {
	SaveFunc   func(ctx context.Context, client string, tok *oauth2.Token) (string, error)
	FindFunc   func(ctx context.Context, id string) (*oauth2.Token, error)
	DeleteFunc func(ctx context.Context, id string) error
}

var errStoreFunc = errors.New("webflow: StoreFuncs function not set")

// Save calls SaveFunc.
func (s StoreFuncs) Save(ctx context.Context, client string, tok *oauth2.Token) (string, error) {
	if s.SaveFunc == nil {
		return "", errStoreFunc
	}
	return s.SaveFunc(ctx, client, tok)
}

// Find calls FindFunc.
func (s StoreFuncs) Find(ctx context.Context, id string) (*oauth2.Token, error) {
	if s.FindFunc == nil {
		return nil, errStoreFunc
	}
	return s.FindFunc(ctx, id)
}

// Delete calls DeleteFunc.
func (s StoreFuncs) Delete(ctx context.Context, id string) error {
	if s.DeleteFunc == nil {
		return errStoreFunc
	}
	return s.DeleteFunc(ctx, id)
}
