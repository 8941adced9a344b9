"""The stages after candidate generation: candidates from several generators, features,
learned rankers and the two-stage recommender (see :mod:`recstack.pipeline.schema` for the
feature frame every stage passes along); re-rankers and the calibrators of their scores;
Bayesian logistic regression, bandit policies with their simulator, and off-policy
estimators."""
