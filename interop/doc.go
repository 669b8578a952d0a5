// Package interop holds cross-language tests: kxrun, built from this module,
// driving real Python trainers (the examples under examples/python and small
// scripts under testdata), with numpy and pandas reading back what kxrun
// wrote, and kxrun's own figures (blends, OOF correlations) checked against
// numpy, pandas and scikit-learn computing them. It has no code of its
// own, only tests.
//
// The tests call Debian's /usr/bin/python3, which sees the apt-installed
// numpy, pandas, scipy, scikit-learn and XGBoost (internal/debpython).
// Without them the tests skip and say which package to install; with the
// CI variable set they fail instead, so that CI cannot pass by skipping.
package interop
