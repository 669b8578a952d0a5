package tracker

// SetNotes replaces a run's notes in runs.csv and in its details, under
// the lock and crash-safe (see EditRuns), and returns the updated row.
func (t *Tracker) SetNotes(ref, notes string) (Row, error) {
	rows, err := t.EditRuns([]string{ref}, func(rec *Record) error {
		rec.Notes = notes
		return nil
	})
	if err != nil {
		return Row{}, err
	}
	return rows[0], nil
}
