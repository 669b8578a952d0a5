package submit

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// InputError is a sample or an array that cannot make a submission.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// Build writes a submission: the sample's header and id columns (the
// first idCols), then the predictions, one column for 1-D predictions
// (cols = 1) or one per class for 2-D ones, in the sample's column order.
// The sample's row and column counts must match the predictions. Floats
// are written in the shortest form that reads back to the same float64.
func Build(sample io.Reader, pred []float64, cols, idCols int) ([]byte, int, error) {
	r := csv.NewReader(sample)
	r.ReuseRecord = false
	records, err := r.ReadAll()
	if err != nil {
		return nil, 0, inputErrorf("read the sample submission: %v", err)
	}
	if len(records) == 0 {
		return nil, 0, inputErrorf("the sample submission is empty: it needs a header line")
	}
	header, body := records[0], records[1:]
	if idCols < 1 {
		return nil, 0, inputErrorf("the submission needs at least one id column")
	}
	if want := idCols + cols; len(header) != want {
		what := "one prediction column"
		if cols > 1 {
			what = fmt.Sprintf("%d class columns", cols)
		}
		return nil, 0, inputErrorf("the sample has %d columns (%v) but %d id column(s) and %s make %d: use the competition's sample, or --id-columns",
			len(header), header, idCols, what, want)
	}
	rows := len(pred) / cols
	if len(body) != rows {
		return nil, 0, inputErrorf("the sample has %d rows but the run's test predictions have %d", len(body), rows)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(header)
	out := make([]string, len(header))
	for i, rec := range body {
		copy(out, rec[:idCols])
		for c := range cols {
			out[idCols+c] = strconv.FormatFloat(pred[i*cols+c], 'g', -1, 64)
		}
		_ = w.Write(out)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, 0, errors.New("encode submission: " + err.Error())
	}
	return buf.Bytes(), rows, nil
}

func shaHex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// FileSHA256 is the sha256 of a file, as the tracker records submissions.
func FileSHA256(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return shaHex(data), nil
}
