package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/kxrun/kxrun/plots"
)

// figures draws SVGs with the plots package, which writes files, in a
// directory of this process's own, and keeps the latest ones in memory.
type figures struct {
	dir string

	mu    sync.Mutex
	n     int
	cache map[string]figure // by name, with the key of what it shows
}

type figure struct {
	key  string
	svg  []byte
	note string // why it was not drawn
}

func newFigures() (*figures, error) {
	dir, err := os.MkdirTemp("", "kxrun-ui-")
	if err != nil {
		return nil, err
	}
	return &figures{dir: dir, cache: map[string]figure{}}, nil
}

func (f *figures) close() { os.RemoveAll(f.dir) }

// maxFigures bounds the figures kept (run pages each have one).
const maxFigures = 256

// get returns the SVG of the figure name showing key, drawn by draw when
// it is not cached; note says why there is none.
func (f *figures) get(name, key string, draw func(svgPath string) error) (svg []byte, note string, err error) {
	f.mu.Lock()
	if c, ok := f.cache[name]; ok && c.key == key {
		f.mu.Unlock()
		return c.svg, c.note, nil
	}
	f.n++
	path := filepath.Join(f.dir, "fig"+strconv.Itoa(f.n)+".svg")
	f.mu.Unlock()
	var c figure
	c.key = key
	err = draw(path)
	var nd *plots.NotEnoughDataError
	switch {
	case errors.As(err, &nd):
		c.note = nd.Reason
	case err != nil:
		return nil, "", err
	default:
		c.svg, err = os.ReadFile(path)
		os.Remove(path)
		if err != nil {
			return nil, "", err
		}
	}
	f.mu.Lock()
	if len(f.cache) >= maxFigures {
		clear(f.cache)
	}
	f.cache[name] = c
	f.mu.Unlock()
	return c.svg, c.note, nil
}
