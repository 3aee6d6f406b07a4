"""Plain geometry for city data: no GIS database needed.

Boundaries are GeoJSON (Polygon or MultiPolygon, [lon, lat] order); distances
use the haversine formula on a spherical Earth, ample for "within 150 m".
"""

import math

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bounding_box(lat, lon, radius_m):
    """(lat_min, lat_max, lon_min, lon_max) around a point: a cheap, indexable pre-filter."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _in_ring(lat, lon, ring):
    """Ray casting: is the point inside this closed ring of [lon, lat] positions?"""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def _in_polygon(lat, lon, rings):
    outer, holes = rings[0], rings[1:]
    return _in_ring(lat, lon, outer) and not any(_in_ring(lat, lon, hole) for hole in holes)


def contains(geometry, lat, lon):
    """Is (lat, lon) inside a GeoJSON Polygon or MultiPolygon?"""
    if geometry["type"] == "Polygon":
        return _in_polygon(lat, lon, geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return any(_in_polygon(lat, lon, polygon) for polygon in geometry["coordinates"])
    raise ValueError(f"Geometri batas kota tidak didukung: {geometry['type']}")


def bbox_polygon(bbox):
    """A GeoJSON Polygon for [[lat_min, lon_min], [lat_max, lon_max]]."""
    (lat_min, lon_min), (lat_max, lon_max) = bbox
    ring = [[lon_min, lat_min], [lon_max, lat_min], [lon_max, lat_max], [lon_min, lat_max], [lon_min, lat_min]]
    return {"type": "Polygon", "coordinates": [ring]}
