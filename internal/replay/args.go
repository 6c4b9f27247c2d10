package replay

import (
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// buildArgs turns the recorded request into the arguments of the facade
// method: path values in template order, the query into the params
// struct, the body into the body type.
func buildArgs(ctx context.Context, op *Operation, mt reflect.Type, in *Interaction, pathVals []string) ([]reflect.Value, error) {
	var args []reflect.Value
	i := 0
	if !op.URLOnly {
		args = append(args, reflect.ValueOf(ctx))
		i = 1
	}
	query, err := url.ParseQuery(in.Query)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	p := 0
	for _, a := range op.Args {
		t := mt.In(i)
		i++
		var v reflect.Value
		switch a.Kind {
		case ArgPath:
			if p >= len(pathVals) {
				return nil, fmt.Errorf("path parameter %s has no value", a.Name)
			}
			v, err = scalar(t, pathVals[p])
			p++
		case ArgParams:
			v, err = paramsValue(t, query)
		case ArgBody:
			v, err = bodyValue(t, in)
		case ArgRawBody:
			v = reflect.ValueOf(strings.NewReader(in.ReqBody))
		case ArgContentType:
			v = reflect.ValueOf(in.ReqType).Convert(t)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Name, err)
		}
		args = append(args, v)
	}
	return args, nil
}

// scalar converts one text value to t: a type that reads text, a string,
// a number or a boolean.
func scalar(t reflect.Type, s string) (reflect.Value, error) {
	if t.Kind() == reflect.Pointer {
		v, err := scalar(t.Elem(), s)
		if err != nil {
			return v, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(v)
		return p, nil
	}
	p := reflect.New(t)
	if tu, ok := p.Interface().(encoding.TextUnmarshaler); ok {
		if err := tu.UnmarshalText([]byte(s)); err != nil {
			return reflect.Value{}, fmt.Errorf("%q is not a %s: %w", s, t, err)
		}
		return p.Elem(), nil
	}
	switch t.Kind() {
	case reflect.String:
		p.Elem().SetString(s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, t.Bits())
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%q is not a %s", s, t)
		}
		p.Elem().SetInt(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(s, t.Bits())
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%q is not a %s", s, t)
		}
		p.Elem().SetFloat(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%q is not a %s", s, t)
		}
		p.Elem().SetBool(b)
	default:
		// Anything else (a union, an object) is read from JSON text.
		if err := json.Unmarshal([]byte(strconv.Quote(s)), p.Interface()); err != nil {
			return reflect.Value{}, fmt.Errorf("%q is not a %s: %w", s, t, err)
		}
	}
	return p.Elem(), nil
}

// paramsValue fills a *XParams from the query by the fields' form names.
// Keys no field names are left out: the request sent then lacks them.
func paramsValue(t reflect.Type, query url.Values) (reflect.Value, error) {
	p := reflect.New(t.Elem())
	if err := fillFields(p.Elem(), "form", query); err != nil {
		return reflect.Value{}, err
	}
	return p, nil
}

// fillFields sets the fields of struct s whose tag (form or json) names a
// key of values.
func fillFields(s reflect.Value, tag string, values url.Values) error {
	for i := 0; i < s.NumField(); i++ {
		name, _, _ := strings.Cut(s.Type().Field(i).Tag.Get(tag), ",")
		vals, ok := values[name]
		if name == "" || name == "-" || !ok {
			continue
		}
		f := s.Field(i)
		ft := f.Type()
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() != reflect.Uint8 {
			sl := reflect.MakeSlice(ft, 0, len(vals))
			for _, v := range vals {
				for _, part := range splitList(vals, v) {
					e, err := scalar(ft.Elem(), part)
					if err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
					sl = reflect.Append(sl, e)
				}
			}
			f.Set(sl)
			continue
		}
		if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Slice {
			sl := reflect.MakeSlice(ft.Elem(), 0, len(vals))
			for _, v := range vals {
				for _, part := range splitList(vals, v) {
					e, err := scalar(ft.Elem().Elem(), part)
					if err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
					sl = reflect.Append(sl, e)
				}
			}
			ptr := reflect.New(ft.Elem())
			ptr.Elem().Set(sl)
			f.Set(ptr)
			continue
		}
		v, err := scalar(ft, vals[0])
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		f.Set(v)
	}
	return nil
}

// splitList reads one value of a list parameter: a single value holding
// commas is a comma-separated list.
func splitList(all []string, v string) []string {
	if len(all) == 1 && strings.Contains(v, ",") {
		return strings.Split(v, ",")
	}
	return []string{v}
}

// bodyValue decodes the recorded body into the body type: JSON as is, a
// form by the fields' JSON names (a type without fields, such as a union,
// reads the form as a JSON object of strings).
func bodyValue(t reflect.Type, in *Interaction) (reflect.Value, error) {
	p := reflect.New(t)
	if !in.hasBody() {
		return p.Elem(), nil
	}
	mt, _, _ := mime.ParseMediaType(in.ReqType)
	if mt == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(in.ReqBody)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("form body: %w", err)
		}
		if t.Kind() == reflect.Struct && t.NumField() > 0 && t.Field(0).IsExported() {
			if err := fillFields(p.Elem(), "json", form); err != nil {
				return reflect.Value{}, err
			}
			return p.Elem(), nil
		}
		obj := map[string]string{}
		for k, v := range form {
			obj[k] = v[0]
		}
		b, _ := json.Marshal(obj)
		if err := json.Unmarshal(b, p.Interface()); err != nil {
			return reflect.Value{}, fmt.Errorf("form body into %s: %w", t, err)
		}
		return p.Elem(), nil
	}
	if err := json.Unmarshal([]byte(in.ReqBody), p.Interface()); err != nil {
		return reflect.Value{}, fmt.Errorf("body into %s: %w", t, err)
	}
	return p.Elem(), nil
}
