// This file holds the two paging styles of the Management API lists and
// the tenant's identifiers.

package auth0

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/idsdk/idsdk-go/sandbox/internal/httpx"
)

// Paging limits of the Management API.
const (
	defaultPerPage = 50
	maxPerPage     = 100
)

// page writes items as one page: the checkpoint style (from, take; the
// answer carries "next" while items remain) when the request names from
// or take, else the page style (page, per_page), as a bare array or,
// with include_totals=true, an object with start, limit and total.
func page(w http.ResponseWriter, r *http.Request, key string, items []obj) error {
	if items == nil {
		items = []obj{} // an empty list is [], never null
	}
	q := r.URL.Query()
	if q.Has("from") || q.Has("take") {
		return checkpoint(w, q.Get("from"), q.Get("take"), key, items)
	}
	num, err := intParam(q.Get("page"), 0, "page")
	if err != nil {
		return err
	}
	per, err := intParam(q.Get("per_page"), defaultPerPage, "per_page")
	if err != nil {
		return err
	}
	if per > maxPerPage {
		return errorf(http.StatusBadRequest, "invalid_query_string", "Query validation error: 'per_page' must be at most %d", maxPerPage)
	}
	start := min(num*per, len(items))
	end := min(start+per, len(items))
	chunk := items[start:end]
	if q.Get("include_totals") != "true" {
		httpx.WriteJSON(w, http.StatusOK, chunk)
		return nil
	}
	body := obj{key: chunk, "start": start, "limit": per, "total": len(items)}
	if key == "users" {
		body["length"] = len(chunk)
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}

// checkpoint writes one page of the checkpoint style. The checkpoint is
// opaque to clients (an encoded offset here).
func checkpoint(w http.ResponseWriter, from, take, key string, items []obj) error {
	n, err := intParam(take, defaultPerPage, "take")
	if err != nil {
		return err
	}
	if n > maxPerPage {
		return errorf(http.StatusBadRequest, "invalid_query_string", "Query validation error: 'take' must be at most %d", maxPerPage)
	}
	start := 0
	if from != "" {
		b, err := base64.RawURLEncoding.DecodeString(from)
		if err == nil {
			start, err = strconv.Atoi(string(b))
		}
		if err != nil || start < 0 {
			return errorf(http.StatusBadRequest, "invalid_query_string", "Query validation error: 'from' is not a checkpoint")
		}
	}
	start = min(start, len(items))
	end := min(start+n, len(items))
	body := obj{key: items[start:end]}
	if end < len(items) {
		body["next"] = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}

// intParam reads a non-negative integer query parameter.
func intParam(s string, def int, name string) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, errorf(http.StatusBadRequest, "invalid_query_string", "Query validation error: '%s' must be a non-negative integer", name)
	}
	return n, nil
}
