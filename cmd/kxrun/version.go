package main

import (
	"runtime/debug"

	"github.com/kxrun/kxrun/study"
)

// version is what kxrun --version prints: the module version when built
// from a tagged module, else the commit it was built from, else "dev".
func version() string {
	if study.Version != "dev" {
		return study.Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-modified"
	}
	return "dev-" + rev
}
