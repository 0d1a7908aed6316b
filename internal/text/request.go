package text

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Rules are the rules of the contract's string fields that differ from the
// default (Rule{}), by message and field: "common.Address.street",
// "product.CreateProductRequest.description". The message is the Go
// package of the generated code and the message's name.
type Rules map[string]Rule

// CheckRequest applies the rules to every string of a request message: its
// fields, nested messages, repeated fields, oneof members and map keys and
// values. Errors name the field by its path ("address.street",
// "items[2].name"). msg is a pointer to a generated message struct (fields
// tagged `protobuf:"...,name=..."`); anything else is accepted unchecked.
func (rs Rules) CheckRequest(msg any) error {
	v := reflect.ValueOf(msg)
	return rs.walk(v, "", 0)
}

// maxDepth bounds the nesting the walk follows.
const maxDepth = 16

func (rs Rules) walk(v reflect.Value, path string, depth int) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct || depth > maxDepth {
		return nil
	}
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		p := join(path, f.name)
		if f.oneof {
			if err := rs.walk(fv, path, depth+1); err != nil {
				return err
			}
			continue
		}
		rule := rs[f.key]
		if err := rs.value(fv, p, rule, depth); err != nil {
			return err
		}
	}
	return nil
}

// value checks one field's value: a string, a message, or a list or map
// of them.
func (rs Rules) value(v reflect.Value, path string, rule Rule, depth int) error {
	switch v.Kind() {
	case reflect.String:
		return Check(path, v.String(), rule)
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		if v.Elem().Kind() == reflect.String { // proto3 optional
			return Check(path, v.Elem().String(), rule)
		}
		return rs.walk(v, path, depth+1)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 { // bytes
			return nil
		}
		for i := 0; i < v.Len(); i++ {
			if err := rs.value(v.Index(i), path+"["+strconv.Itoa(i)+"]", rule, depth); err != nil {
				return err
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if err := rs.value(it.Key(), path+" key", rule, depth); err != nil {
				return err
			}
			if err := rs.value(it.Value(), path+"["+Quote(it.Key().String())+"]", rule, depth); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// field is how the walk sees one field of a message type.
type field struct {
	index int
	// name is the proto field name; key is "pkg.Message.name", the key of
	// its rule.
	name, key string
	// oneof fields hold a wrapper of one member, walked as if its member
	// were a field of the message.
	oneof bool
}

// plans caches the fields of each message type; message types are few
// and fixed, so the cache is bounded.
var plans sync.Map // reflect.Type -> []field

func fieldsOf(t reflect.Type) []field {
	if fs, ok := plans.Load(t); ok {
		return fs.([]field)
	}
	msg := t.Name()
	if pkg := t.PkgPath(); pkg != "" {
		msg = pkg[strings.LastIndex(pkg, "/")+1:] + "." + msg
	}
	var fs []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		if _, ok := sf.Tag.Lookup("protobuf_oneof"); ok {
			fs = append(fs, field{index: i, oneof: true})
			continue
		}
		name := protoName(sf.Tag.Get("protobuf"))
		if name == "" {
			continue
		}
		fs = append(fs, field{index: i, name: name, key: msg + "." + name})
	}
	plans.Store(t, fs)
	return fs
}

// protoName returns the name=... part of a protobuf struct tag.
func protoName(tag string) string {
	for _, part := range strings.Split(tag, ",") {
		if n, ok := strings.CutPrefix(part, "name="); ok {
			return n
		}
	}
	return ""
}
