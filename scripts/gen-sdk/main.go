// Command gen-sdk writes the SDKs of a Pulumi package, one folder per language, from its schema:
//
//	go run ./scripts/gen-sdk --schema provider/plugin/schema.json --out sdk [--languages go,nodejs,python,dotnet]
//
// writes <out>/go, <out>/nodejs, <out>/python and <out>/dotnet, the layout of every Pulumi provider
// repository's sdk/ folder.
//
// Why a program of our own rather than `pulumi package gen-sdk`: the CLI delegates each language to
// its language host (GeneratePackage over gRPC), and the language hosts that can be built here from
// the Go module proxy are too old to implement it ("GeneratePackage not implemented"). The code
// generators themselves are Go packages of the CLI's module, so this program calls them in process,
// at the CLI's own version (pkg/v3 v3.248.0, the version scripts/pulumi-cli.sh builds). The .NET
// generator is no longer part of pkg/v3 at that version; see internal/dotnet/README.md.
//
// The output is deterministic: the generators return a map of files, written here in sorted order,
// and nothing in them depends on the time, the machine or the paths given.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/blang/semver"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"local/gen-sdk/internal/dotnet"
)

// tool names the generator in the "do not edit" header of every generated file.
const tool = "scripts/gen-sdk"

// pulumiSDK is the Go SDK module the generated Go SDK requires.
const pulumiSDK = "github.com/pulumi/pulumi/sdk/v3"

var allLanguages = []string{"go", "nodejs", "python", "dotnet"}

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON)")
	out := flag.String("out", "", "the folder to write <out>/<language>/ into")
	languages := flag.String("languages", strings.Join(allLanguages, ","), "comma-separated languages to generate")
	flag.Parse()
	if *schemaPath == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen-sdk --schema <schema.json> --out <dir> [--languages go,nodejs,python,dotnet]")
		os.Exit(2)
	}
	if err := run(*schemaPath, *out, strings.Split(*languages, ",")); err != nil {
		fmt.Fprintf(os.Stderr, "gen-sdk: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string, languages []string) error {
	for _, lang := range languages {
		if !contains(allLanguages, lang) {
			return fmt.Errorf("unknown language %q (known: %s)", lang, strings.Join(allLanguages, ", "))
		}
	}
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	for i, lang := range languages {
		// Bind afresh for each language: the generators record their own state on the package
		// (pkg.Language[...] is replaced by the imported language info), so one generator's run
		// must not be seen by the next.
		pkg, err := bind(raw, i == 0)
		if err != nil {
			return fmt.Errorf("%s: %w", schemaPath, err)
		}
		files, err := generate(lang, pkg)
		if err != nil {
			return fmt.Errorf("generating %s: %w", lang, err)
		}
		dir := filepath.Join(out, lang)
		// Start from an empty folder, so a file the schema no longer produces does not linger.
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		if err := write(dir, files); err != nil {
			return err
		}
		if lang == "go" {
			if err := pinGoModule(dir); err != nil {
				return fmt.Errorf("go.mod of the Go SDK: %w", err)
			}
		}
		fmt.Printf("gen-sdk: %s: %d files in %s\n", lang, len(files), dir)
	}
	return nil
}

// bind parses and validates the schema (BindSpec checks it against the Pulumi package metaschema).
// Warnings are printed when warn is set (the first of the bindings of one run).
func bind(raw []byte, warn bool) (*schema.Package, error) {
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, err
	}
	// BindSpec requires a loader even when the schema references no other package: given nil it
	// panics ("A precondition has failed for loader: must not be nil"). Ours references none, so
	// a loader that knows no package will do; it turns any reference into a plain error.
	pkg, diags, err := schema.BindSpec(spec, emptyLoader{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, diags
	}
	for _, d := range diags { // warnings only: shown, not fatal
		if warn {
			fmt.Fprintf(os.Stderr, "gen-sdk: warning: %v\n", d)
		}
	}
	return pkg, nil
}

func generate(lang string, pkg *schema.Package) (map[string][]byte, error) {
	switch lang {
	case "go":
		// No local dependencies: the SDK requires github.com/pulumi/pulumi/sdk/v3 from the proxy.
		return gogen.GeneratePackage(tool, pkg, nil)
	case "nodejs":
		// localSDK false: an ordinary package (typescript as a devDependency, no postinstall build).
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, emptyLoader{})
	case "python":
		return python.GeneratePackage(tool, pkg, nil, emptyLoader{})
	case "dotnet":
		return dotnet.GeneratePackage(tool, pkg, nil, nil)
	}
	return nil, fmt.Errorf("unknown language %q", lang)
}

func write(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// pinGoModule makes the Go SDK a module that builds on its own. The generator's go.mod (written
// because the schema sets meta.supportPack) requires only sdk/v3 at its oldest usable version,
// v3.30.0, with no go.sum. Instead the SDK requires sdk/v3 at the version this program is built
// with (v3.248.0, the CLI's, see go.mod), and `go mod tidy` completes go.mod with the indirect
// requirements and writes go.sum, so that `go build ./...` works in a fresh clone. Given the same
// versions, tidy's output is the same on every run (module contents are fixed by their checksums).
func pinGoModule(dir string) error {
	version, err := linkedVersion(pulumiSDK)
	if err != nil {
		return err
	}
	gomod := filepath.Join(dir, "go.mod")
	text, err := os.ReadFile(gomod)
	if err != nil {
		return err
	}
	lines := strings.Split(string(text), "\n")
	found := false
	for i, line := range lines {
		if strings.HasPrefix(line, "require "+pulumiSDK+" ") {
			lines[i] = "require " + pulumiSDK + " " + version
			found = true
		}
	}
	if !found {
		return fmt.Errorf("the generated go.mod has no line \"require %s ...\":\n%s", pulumiSDK, text)
	}
	if err := os.WriteFile(gomod, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		return err
	}
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	// GOWORK=off: the SDK is a module of its own, outside the repository's go.work. -mod=mod lets
	// tidy fetch what go.sum lacks (from the Go module proxy, or the module cache).
	tidy.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	tidy.Stdout, tidy.Stderr = os.Stderr, os.Stderr
	if err := tidy.Run(); err != nil {
		return fmt.Errorf("go mod tidy in %s: %w", dir, err)
	}
	return nil
}

// linkedVersion is the version of a module linked into this program (from its build information).
func linkedVersion(module string) (string, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", errors.New("no build information in this binary")
	}
	for _, dep := range info.Deps {
		if dep.Path == module {
			if dep.Replace != nil {
				return dep.Replace.Version, nil
			}
			return dep.Version, nil
		}
	}
	return "", fmt.Errorf("%s is not linked into this program", module)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// emptyLoader is a schema.ReferenceLoader that knows no package. The binder and the Node.js and
// Python generators take a loader to resolve references to other packages (and, for the
// generators, to name their SDKs as dependencies); this schema has none, so any lookup is an error.
type emptyLoader struct{}

var errNoPackages = errors.New("gen-sdk resolves no other package: the schema may reference only its own types")

func (emptyLoader) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoPackages
}

func (emptyLoader) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoPackages
}

func (emptyLoader) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoPackages
}

func (emptyLoader) LoadPackageReferenceV2(context.Context, *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errNoPackages
}
