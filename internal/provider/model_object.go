package provider

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Models are read from and written to a configuration, plan or state
// through getModel and setModel, not the framework's Get and Set on a
// struct. The framework (v1.19) compiles a regular expression for every
// `tfsdk` tag each time it reflects on a struct
// (hashicorp/terraform-plugin-framework#725), which was more than half of
// the provider's own plan work over the schema's floor (BenchmarkPlanPair:
// 6,000 allocations a template and message before, 2,350 after).
// The models here hold framework values only, so a whole-object read plus
// one cached table of fields per model type does the same work.
// TestModelObjectMatchesFramework checks that both give the same model;
// when #725 is fixed, BenchmarkPlanPair shows whether this can go.

// modelGetter is a configuration, plan or state to read from.
type modelGetter interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// getModel reads the whole object of from into model, a pointer to a
// struct whose `tfsdk`-tagged fields are framework values.
func getModel(ctx context.Context, from modelGetter, model any) diag.Diagnostics {
	var obj types.Object
	diags := from.Get(ctx, &obj)
	if diags.HasError() {
		return diags
	}
	diags.Append(objectToModel(obj, model)...)
	return diags
}

// setModel writes model, a struct as getModel reads (or a pointer to one),
// as the whole object of to.
func setModel[T *tfsdk.Plan | *tfsdk.State | *tfsdk.Resource](ctx context.Context, to T, model any) diag.Diagnostics {
	switch to := any(to).(type) {
	case *tfsdk.Plan:
		return setObject(ctx, to, to.Schema.Type(), model)
	case *tfsdk.State:
		return setObject(ctx, to, to.Schema.Type(), model)
	case *tfsdk.Resource:
		return setObject(ctx, to, to.Schema.Type(), model)
	}
	return nil // Unreachable: T allows the three cases above only.
}

func setObject(ctx context.Context, to interface {
	Set(context.Context, any) diag.Diagnostics
}, typ attr.Type, model any) diag.Diagnostics {
	obj, diags := modelToObject(typ, model)
	if diags.HasError() {
		return diags
	}
	diags.Append(to.Set(ctx, obj)...)
	return diags
}

// objectToModel copies an object's attributes into the fields of model.
func objectToModel(obj types.Object, model any) diag.Diagnostics {
	v := reflect.ValueOf(model).Elem()
	fields := structFieldsOf(v.Type())
	if obj.IsNull() || obj.IsUnknown() {
		return nil // The model keeps its zero values: null for every field.
	}
	attrs := obj.Attributes()
	if len(attrs) != len(fields) {
		return modelMismatch(v.Type(), fmt.Sprintf("the object has %d attributes, the model %d fields", len(attrs), len(fields)))
	}
	for _, f := range fields {
		a, ok := attrs[f.name]
		if !ok {
			return modelMismatch(v.Type(), "the object has no attribute "+f.name)
		}
		field := v.FieldByIndex(f.index)
		av := reflect.ValueOf(a)
		if !av.Type().AssignableTo(field.Type()) {
			return modelMismatch(v.Type(), fmt.Sprintf("attribute %s is a %s, its field a %s", f.name, av.Type(), field.Type()))
		}
		field.Set(av)
	}
	return nil
}

// modelToObject builds the object of type typ that model's fields hold.
func modelToObject(typ attr.Type, model any) (types.Object, diag.Diagnostics) {
	objType, ok := typ.(attr.TypeWithAttributeTypes)
	if !ok {
		return types.ObjectNull(nil), modelMismatch(reflect.TypeOf(model), fmt.Sprintf("the schema's type %T is not an object", typ))
	}
	v := reflect.ValueOf(model)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	fields := structFieldsOf(v.Type())
	attrs := make(map[string]attr.Value, len(fields))
	for _, f := range fields {
		a, ok := v.FieldByIndex(f.index).Interface().(attr.Value)
		if !ok {
			return types.ObjectNull(nil), modelMismatch(v.Type(), "field "+f.name+" is not a framework value")
		}
		attrs[f.name] = a
	}
	return types.ObjectValue(objType.AttributeTypes(), attrs)
}

// structField is one `tfsdk`-tagged field of a model, embedded structs'
// fields included.
type structField struct {
	name  string
	index []int
}

// structFields caches each model type's fields.
var structFields sync.Map // reflect.Type → []structField

func structFieldsOf(t reflect.Type) []structField {
	if cached, ok := structFields.Load(t); ok {
		if fields, ok := cached.([]structField); ok {
			return fields
		}
	}
	var fields []structField
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			index := append(append([]int(nil), prefix...), i)
			tag := f.Tag.Get("tfsdk")
			switch {
			case tag == "-":
			case tag == "" && f.Anonymous && f.Type.Kind() == reflect.Struct:
				walk(f.Type, index)
			case tag != "":
				fields = append(fields, structField{name: tag, index: index})
			}
		}
	}
	walk(t, nil)
	structFields.Store(t, fields)
	return fields
}

// modelMismatch is a model that does not fit its schema: a bug in the
// provider, not in the configuration.
func modelMismatch(t reflect.Type, why string) diag.Diagnostics {
	return diag.Diagnostics{diag.NewErrorDiagnostic("Provider Model Mismatch",
		fmt.Sprintf("The provider's %s does not fit its schema: %s. Nothing was sent. "+reportBug, t, why))}
}
