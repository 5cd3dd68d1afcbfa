// One gateway host at a time: the hosts' process-wide meters (the UrbanTwin grain gauges, Orleans' own) would
// otherwise add up across the fixtures' silos, and the metrics tests could not tell whose they are.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
