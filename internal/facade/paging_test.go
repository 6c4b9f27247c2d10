package facade

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type listParams struct {
	Page    *int    `json:"page,omitempty"`
	PerPage *int    `json:"per_page,omitempty"`
	From    *string `json:"from,omitempty"`
	Take    *int    `json:"take,omitempty"`
	Start   *int    `json:"start,omitempty"`
	End     *int    `json:"end,omitempty"`
	Totals  *bool   `json:"include_totals,omitempty"`
}

// fake serves 7 items in pages, the way each style asks for them.
func fake(t *testing.T, spec *PageSpec, calls *[]string) PageFetch {
	items := []int{1, 2, 3, 4, 5, 6, 7}
	return func(ctx context.Context, p any, pg *Page) error {
		lp := p.(*listParams)
		var from, to int
		switch spec.Style {
		case PageStyle:
			from = (*lp.Page - spec.FirstPage) * *lp.PerPage
			to = from + *lp.PerPage
			*calls = append(*calls, "page")
			pg.Total, pg.HasTotal = len(items), lp.Totals != nil && *lp.Totals
		case CheckpointStyle:
			if lp.From != nil {
				from = map[string]int{"c3": 3, "c6": 6}[*lp.From]
			}
			to = from + *lp.Take
			if to < len(items) {
				pg.Next = map[int]string{3: "c3", 6: "c6"}[to]
			}
			*calls = append(*calls, "from")
		case OffsetStyle:
			from, to = *lp.Start, *lp.End
			pg.Total, pg.HasTotal = len(items), true
			*calls = append(*calls, "range")
		}
		to = min(to, len(items))
		if from < to {
			*pg.Items.(*[]int) = items[from:to]
		}
		return nil
	}
}

func collect(t *testing.T, seq func(func(int, error) bool)) []int {
	t.Helper()
	var out []int
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestPaginateStyles(t *testing.T) {
	want := []int{1, 2, 3, 4, 5, 6, 7}
	for _, spec := range []*PageSpec{
		{Style: PageStyle, PageParam: "page", PerPageParam: "per_page", IncludeTotalsParam: "include_totals", Total: "total", PageSize: 3},
		{Style: PageStyle, PageParam: "page", PerPageParam: "per_page", FirstPage: 1, PageSize: 3},
		{Style: CheckpointStyle, FromParam: "from", TakeParam: "take", Next: "next", PageSize: 3},
		{Style: OffsetStyle, StartParam: "start", EndParam: "end", Total: "total", PageSize: 3},
	} {
		var calls []string
		var nilParams *listParams // generated iterators pass a typed nil
		got := collect(t, Paginate[int](context.Background(), spec, nilParams, fake(t, spec, &calls)))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (first page %d): %s", spec.Style, spec.FirstPage, diff)
		}
		if len(calls) != 3 {
			t.Errorf("%s: %d requests, want 3", spec.Style, len(calls))
		}
	}
}

func TestPaginateKeepsCallerParamsAndStops(t *testing.T) {
	spec := &PageSpec{Style: PageStyle, PageParam: "page", PerPageParam: "per_page", PageSize: 3}
	two, five := 2, 5
	params := &listParams{Page: &two, PerPage: &five}
	var calls []string
	var got []int
	for v, err := range Paginate[int](context.Background(), spec, params, fake(t, spec, &calls)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	// page 2 of 5 per page is items 11.., none: one request, nothing.
	if len(got) != 0 || len(calls) != 1 || *params.Page != 2 {
		t.Errorf("got %v after %d calls; caller params changed: %v", got, len(calls), *params.Page)
	}
	one := 0
	params = &listParams{Page: &one, PerPage: &five}
	calls = nil
	for v := range Paginate[int](context.Background(), spec, params, fake(t, spec, &calls)) {
		if v == 2 {
			break
		}
	}
	if len(calls) != 1 {
		t.Errorf("breaking out fetched %d pages", len(calls))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range Paginate[int](ctx, spec, params, fake(t, spec, &calls)) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: err = %v", err)
		}
	}
}

func TestPageDecodesBothShapes(t *testing.T) {
	spec := &PageSpec{Items: "users", Total: "total", Next: "next"}
	var items []string
	p := NewPage(spec, &items)
	if err := p.UnmarshalJSON([]byte(`["a","b"]`)); err != nil || len(items) != 2 {
		t.Errorf("bare array: %v %v", items, err)
	}
	items = nil
	p = NewPage(spec, &items)
	if err := p.UnmarshalJSON([]byte(`{"users":["a"],"total":9,"next":"n1"}`)); err != nil || len(items) != 1 || p.Total != 9 || !p.HasTotal || p.Next != "n1" {
		t.Errorf("object: %+v %v", p, err)
	}
	p = NewPage(&PageSpec{}, &items)
	if err := p.UnmarshalJSON([]byte(`{"a":[],"b":[]}`)); err == nil {
		t.Errorf("two array fields with no items name: no error")
	}
}
