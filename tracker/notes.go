package tracker

// SetNotes replaces a run's notes in runs.csv and in its details, under
// the lock and crash-safe (see EditRuns), and returns the updated row.
func (t *Tracker) SetNotes(ref, notes string) (Row, error) {
	return t.editRun(ref, func(rec *Record) { rec.Notes = notes })
}

// editRun is EditRuns of the one run ref, with an edit that cannot fail.
func (t *Tracker) editRun(ref string, edit func(rec *Record)) (Row, error) {
	rows, err := t.EditRuns([]string{ref}, func(rec *Record) error {
		edit(rec)
		return nil
	})
	if err != nil {
		return Row{}, err
	}
	return rows[0], nil
}
