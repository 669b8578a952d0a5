package tracker

// SetNotes replaces a run's notes in runs.csv and in its details, under
// the lock, as SetLB does for its score, and returns the updated row.
func (t *Tracker) SetNotes(ref, notes string) (Row, error) {
	var updated Row
	err := t.rewrite(func(rows []Row) error {
		i, err := Find(rows, ref)
		if err != nil {
			return err
		}
		rows[i].Notes = notes
		updated = rows[i]
		return nil
	}, func() error {
		return t.editDetails(updated.RunID, func(rec *Record) { rec.Notes = notes })
	})
	if err != nil {
		return Row{}, err
	}
	return updated, nil
}
