#!/usr/bin/env python3
"""Converts the shared reference file shanxi-divisions.json into UrbanTwin's own topology
document (a flat node list, the same format PUT /api/v1/topology accepts).

Run once when the reference data changes; the product ships the output as an embedded
resource and never reads the shared folder at run time:

    python3 deploy/tools/convert-divisions.py ../shared/reference/shanxi-divisions.json \
        src/UrbanTwin.Domain/Topology/Reference/shanxi.topology.json
"""
import json
import sys

KIND_OF_DIVISION = {"district": "district", "county": "county", "county_level_city": "county-level-city"}


def loc(seat):
    return {"lng": seat["lng"], "lat": seat["lat"]}


def indicator(name, year, value, source):
    return {"name": name, "year": year, "value": value, "source": source}


def yearly(name, year, value, source):
    return [indicator(name, year, value, source)] if value is not None else []


def main(src, dst):
    p = json.load(open(src, encoding="utf-8"))["province"]
    tags_of = {}
    for c in p.get("cross_provincial_clusters", []):
        tag = c["en"].lower().replace(" ", "-")
        for member in c["shanxi_members"]:
            tags_of.setdefault(member, []).append(tag)
    for z in p.get("special_zones", []):
        tag = z["en"].lower().replace(" & ", "-").replace("–", "-").replace(" ", "-")
        for member in z["spans"]:
            tags_of.setdefault(member, []).append(tag)

    # The province's own annual figures (resident population, urban population, rate).
    # Its census population is deliberately not imported: it is the roll-up of the cities'.
    prov_ind = []
    for y in p["population_by_year"]:
        prov_ind += yearly("residentPopulation", y["year"], y["population"], y["source"])
        prov_ind += yearly("urbanPopulation", y["year"], y["urban_population"], y["source"])
        prov_ind += yearly("urbanizationRate", y["year"], y["urbanization_rate_pct"], y["source"])
    nodes = [{
        "id": p["id"], "kind": "province", "parentId": None, "code": p["code"],
        "name": p["en"], "nameZh": p["zh"], "location": loc(p["seat"]),
        "attributes": {"censusPopulation2020": str(p["population_census_2020"]["value"])},
        "indicators": prov_ind,
    }]
    for c in p["clusters"]:
        nodes.append({
            "id": c["id"], "kind": "cluster", "parentId": p["id"], "code": None,
            "name": c["en"], "nameZh": c["zh"], "location": None,
            "attributes": {"core": c["core"], "membership": c["membership_status"]},
            "indicators": [],
        })
        for city in c["cities"]:
            ind = yearly("population", 2020, city["population_census_2020"]["value"],
                         city["population_census_2020"]["source"])
            latest = city.get("latest")
            if latest:
                ind += yearly("residentPopulation", latest["year"], latest.get("population"), latest["source"])
                ind += yearly("urbanPopulation", latest["year"], latest.get("urban_population"), latest["source"])
                ind += yearly("urbanizationRate", latest["year"], latest.get("urbanization_rate_pct"), latest["source"])
            nodes.append({
                "id": city["id"], "kind": "city", "parentId": c["id"], "code": city["code"],
                "name": city["en"], "nameZh": city["zh"], "location": loc(city["seat"]),
                "tags": tags_of.get(city["id"], []),
                "attributes": {"pinyin": city["pinyin"]},
                "indicators": ind,
            })
            for co in city["counties"]:
                ind = []
                if co.get("population"):
                    ind += yearly("residentPopulation", co["population"]["year"], co["population"]["value"],
                                  co["population"]["source"])
                if co.get("urbanization_rate_pct"):
                    u = co["urbanization_rate_pct"]
                    ind += yearly("urbanizationRate", u["year"], u["value"], u["source"])
                attrs = {"pinyin": co["pinyin"], "divisionType": KIND_OF_DIVISION[co["type"]]}
                if co["seat"].get("inferred"):
                    attrs["seatNote"] = co["seat"].get("note") or "inferred seat"
                nodes.append({
                    "id": co["id"], "kind": "district", "parentId": city["id"], "code": co["code"],
                    "name": co["en"], "nameZh": co["zh"], "location": loc(co["seat"]),
                    "attributes": attrs,
                    "indicators": ind,
                })
    doc = {
        "name": "shanxi",
        "description": "Shanxi province: 4 regional clusters, 11 cities, 117 county-level divisions. "
                       "Seats are government-seat points (likely GCJ-02), not polygon centroids.",
        "nodes": nodes,
    }
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(nodes)} nodes written to {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
