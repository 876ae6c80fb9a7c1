"""Dimension names, identical in CSV headers, xarray, pandas and the docs."""

REGION = "region"
TECH = "tech"
PERIOD = "period"
VINTAGE = "vintage"
TIMESTEP = "timestep"
DAY = "day"
CALENDAR_DAY = "calendar_day"
LINE = "line"
SCENARIO = "scenario"
YEAR = "year"
HOUR = "hour"

#: technology kinds (column ``kind`` of techs.csv)
KINDS = ("thermal", "nuclear", "hydro", "variable", "storage")

#: hourly profile names the loader knows
PROFILES = ("load", "wind_onshore", "wind_offshore", "solar_utility", "solar_distributed", "hydro")

HOURS_PER_YEAR = 8760
DAYS_PER_YEAR = 365
